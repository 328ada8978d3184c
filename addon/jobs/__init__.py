"""Report jobs for the sidebar: claimed from the database, built in threads, results stored."""
