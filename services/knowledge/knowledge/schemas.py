"""Knowledge's API in and out."""
