"""One reader per source format; each turns a file into the plain text a `Document` holds.

Heavy libraries (lxml, python-docx, pypdfium2) are imported inside the readers
that need them, so reading a .txt file stays fast.
"""
