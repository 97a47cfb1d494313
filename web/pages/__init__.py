"""One module per console page; each route is guarded by web.access.page."""
