"""One module per source system of sources.md; each declares its files and raw assets."""
