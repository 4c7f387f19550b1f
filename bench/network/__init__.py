"""The link between an engine and its registry: loopback, or shaped like a LAN, a cloud region or a WAN
(rate by tc, delay by a relay when the kernel has no netem), and the bytes that crossed it.
May import: errors, platforms, safe, config, machine.
"""
