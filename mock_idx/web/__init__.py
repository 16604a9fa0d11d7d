"""HTTP: routes, thin handlers and middlewares. Handlers parse, call the engine, render, answer."""
