/* The book website fixes (added by _ext/book_fixes.py). */
