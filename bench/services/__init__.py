"""Background servers bench starts beside an engine and stops again: the registry (and its garbage
collection), the package index, the SSH endpoint (one sshd module, also used by the ssh scenario), each
with a pid file checked before it is signalled and a bounded log."""
