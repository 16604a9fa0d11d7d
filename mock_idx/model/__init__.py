"""The identity engine's state and behaviour. Nothing below this package knows about HTTP."""
