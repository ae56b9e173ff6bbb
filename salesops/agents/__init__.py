"""Resellers (代理): levels and their prices (`levels`), whose sale an order is (`sales`),
commission rules (`commission`), monthly statements (`statements`, `workbook`) and the
checks that keep the network clear of pyramid selling (`checks`)."""
