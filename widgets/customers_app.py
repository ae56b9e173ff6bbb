"""The customers page as one component: search, the create/edit form and the 360 view."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages

from .address_book import AddressBook
from .common import label
from .customer_360 import Customer360
from .customer_form import CustomerForm
from .customer_picker import CustomerPicker
from .duplicates_panel import DuplicatesPanel

messages.add(
    {
        "en": {"customers.title": "Customers", "customers.history": "History"},
        "zh_CN": {"customers.title": "客户", "customers.history": "客户记录"},
    }
)


class CustomersApp(ipw.VBox):
    """Find a customer, edit or create one, and see their history; `value` is the customer.

    Built from its parts (`for_page` builds them from a PageData): a CustomerPicker, a
    CustomerForm, an AddressBook, a Customer360 and a DuplicatesPanel. The parts talk only
    through links: the picked customer goes into the form, the form's customer (new ones
    included) into the address book and the 360 view, every save refreshes the 360 view,
    and a kept duplicate opens in the form.
    """

    value = traitlets.Int(None, allow_none=True)

    @classmethod
    def for_page(cls, data, title: bool = True, **kwargs) -> CustomersApp:
        """The customers page wired to a salesops.web.pagedata.PageData."""
        return cls(
            picker=CustomerPicker(
                data.search,
                form="customers",
                field="search",
                rows=8,
                to_complete=data.customers_to_complete,
            ),
            form=CustomerForm.for_page(data),
            addresses=AddressBook.for_page(data),
            history=Customer360.for_page(data),
            duplicates=DuplicatesPanel.for_page(data),
            title=title,
            **kwargs,
        )

    def __init__(
        self,
        *,
        picker: CustomerPicker,
        form: CustomerForm,
        history: Customer360,
        duplicates: DuplicatesPanel,
        addresses: AddressBook,
        title: bool = True,
        **kwargs,
    ):
        self.picker, self.form, self.history = picker, form, history
        self.addresses = addresses
        traitlets.dlink((self.picker, "value"), (self.form, "value"))
        traitlets.dlink((self.form, "value"), (self.history, "value"))
        traitlets.dlink((self.form, "saved"), (self.history, "stamp"))
        traitlets.dlink((self.form, "value"), (self, "value"))
        traitlets.dlink((self.form, "value"), (self.addresses, "value"))
        book = ipw.HTML(f"<h4>{label('book.title')}</h4>")
        book.add_class("so-section")
        heading = ipw.HTML(f"<h4>{label('customers.history')}</h4>")
        heading.add_class("so-section")
        top = [ipw.HTML(f"<h2>{label('customers.title')}</h2>")] if title else []
        self.duplicates = duplicates
        traitlets.dlink((self.duplicates, "kept_id"), (self.form, "value"))
        self.duplicates.observe(lambda _c: self.history.refresh(), names="changed")
        dups = ipw.HTML(f"<h4>{label('dups.title')}</h4>")
        dups.add_class("so-section")
        super().__init__(
            children=[
                *top,
                self.picker,
                self.form,
                book,
                self.addresses,
                heading,
                self.history,
                dups,
                self.duplicates,
            ],
            **kwargs,
        )
        self.add_class("so-customers-app")
