"""Database-neutral export and import of every table (`kennisbrug export|import`)."""

from app.dataport.service import ImportRefusedError, export_data, import_data

__all__ = ["ImportRefusedError", "export_data", "import_data"]
