"""HTTP in: thin views that verify, parse and hand over to the store."""
