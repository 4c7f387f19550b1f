"""What set-up puts on the machine and records for purge: the engine prefix, host packages (never upgrading
one the machine has; a manifest of what bench installed), sshd in its own prefix, bench's docker client
configuration, QEMU's binfmt entries, bind mounts. Nothing here writes an apt source or pin.
May import: errors, platforms, safe, config, plan, scenario, machine.
"""
