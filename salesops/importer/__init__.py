"""Importing customers, orders and products from CSV and Excel files (see README,
"Importing").

`import_orders(db, path, ...)`, `import_customers(db, path, ...)` and
`import_products(db, path, ...)` return an `ImportReport`; a file that cannot be read at
all raises `ImportFileError`.
`preview_file(path, kind)` shows the header mapping and first rows before a check.
"""

from .customers import import_customers
from .orders import import_orders
from .preview import Preview, preview_file
from .products import import_products
from .reading import ImportFileError, load_mapping
from .report import ImportReport, RowProblem

__all__ = [
    "ImportFileError",
    "ImportReport",
    "Preview",
    "RowProblem",
    "import_customers",
    "import_orders",
    "import_products",
    "load_mapping",
    "preview_file",
]
