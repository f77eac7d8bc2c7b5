"""Survey's API in and out."""
