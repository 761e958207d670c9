"""The broker's report page: KPIs, charts with tables, CSV downloads."""
