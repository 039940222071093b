"""The HTTP surface: the Litestar app, authentication and problem responses."""
