"""Spreadsheets in and out of the register: department reporting templates (.xlsx), data import
(.xlsx/.csv, checked whole before anything is written) and export."""
