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
from .customer_social import CustomerSocial
from .duplicates_panel import DuplicatesPanel
from .erase_panel import ErasePanel

messages.add(
    {
        "en": {"customers.title": "Customers", "customers.history": "History"},
        "zh_CN": {"customers.title": "客户", "customers.history": "客户记录"},
    }
)


class CustomersApp(ipw.VBox):
    """Find a customer, edit or create one, and see their history; `value` is the customer.

    Built from its parts (`for_page` builds them from a PageData): a CustomerPicker, a
    CustomerForm, an AddressBook, a Customer360, a DuplicatesPanel and (admins) an
    ErasePanel. The parts talk only
    through links: the picked customer goes into the form, the form's customer (new ones
    included) into the address book and the 360 view, every save refreshes the 360 view,
    a kept duplicate opens in the form, and an erased customer leaves the page.
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
                reveal=data.reveal_mobile,
            ),
            form=CustomerForm.for_page(data),
            addresses=AddressBook.for_page(data),
            history=Customer360.for_page(data),
            duplicates=DuplicatesPanel.for_page(data),
            erase=ErasePanel.for_page(data),
            social=CustomerSocial.for_page(data),
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
        erase: ErasePanel | None = None,
        social: CustomerSocial | None = None,
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
        self.erase = erase or ErasePanel(lambda *_a: None, can_erase=False)
        traitlets.dlink((self.form, "value"), (self.erase, "value"))
        self.erase.observe(self._on_erased, names="erased")
        self.social = social
        social_part = []
        if social is not None:  # the customer's communities and 晒单, part of the 360 view
            traitlets.dlink((self.form, "value"), (social, "value"))
            social.observe(lambda _c: self.history.refresh(), names="changed")
            social_part = [social]
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
                *social_part,
                dups,
                self.duplicates,
                self.erase,
            ],
            **kwargs,
        )
        self.add_class("so-customers-app")
        # A mobile shown in full beside the search is shown in the 360 view too, and the
        # other way round (one look, one access row), while both show the same customer.
        self.picker.reveal.observe(self._on_picker_revealed, names="shown")
        self.history.reveal.observe(self._on_history_revealed, names="shown")

    def _on_picker_revealed(self, change) -> None:
        """The search's chosen mobile was shown: the 360 view shows it too."""
        if change["new"] and self.history.value == self.picker.value:
            self.history.reveal.shown = change["new"]

    def _on_history_revealed(self, change) -> None:
        """The 360 view's mobile was shown: the chosen search result shows it too."""
        if change["new"] and self.history.value == self.picker.value:
            self.picker.reveal.shown = change["new"]

    def _on_erased(self, _change) -> None:
        """The erased customer leaves the form, the search results and the 360 view."""
        self.picker.choose(None)
        self.picker.refresh()
        self.form.value = None
