"""Background report jobs for the sidebar: validated requests, a thread pool, stored results."""
