"""One module per op family; each registers its launchers (registry.register)."""
