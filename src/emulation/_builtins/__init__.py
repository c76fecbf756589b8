"""Built-in features, each an ordinary plugin registered by name (see ``DEFAULT_PLUGINS``)."""
