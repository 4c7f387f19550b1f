"""Image checks after a build, outside its timed span: goss specs, equivalence of the images both builders
made, secrets and key material left in layers.
May import: engine, store, builders, scenario, plan and below.
"""
