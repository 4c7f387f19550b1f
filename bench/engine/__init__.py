"""The engine layer: the only part of bench that talks to Docker (through python-on-whales) or sets it up."""
