"""The web console: the Office and cell secretaries in a browser, over the same storage and
services as the chat (a top layer beside bot; handlers, storage and content never import it)."""
