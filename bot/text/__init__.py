"""Text: takes raw strings (HTML, titles, words) and gives clean text, tokens and URL keys.

tokens (fold, tokenize, stem), clean (HTML -> text, furniture, sentences), urls (canonical URLs, safe links).
Every other stage builds on it; it imports no other stage.
"""
