"""Orders: one row per unit (as Lazada does), each with its own status."""
