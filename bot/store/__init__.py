from bot.store.connection import connect_store, describe_store

__all__ = ["connect_store", "describe_store"]
