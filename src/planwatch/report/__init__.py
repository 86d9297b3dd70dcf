"""Annual, mid-term and final evaluation reports of a plan: content built as
plain data from an evaluation (sections.py), laid out as .docx, .pdf or .html."""
