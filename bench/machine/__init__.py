"""The machine around the builds: the CPU the kernel counts (cpu), what makes timings noisy (noise), for
the quiet-machine guard of each row (bench/engine/cost.py) and for `bench doctor`."""
