"""The personal vault: members, holders, import batches and encrypted data items."""
