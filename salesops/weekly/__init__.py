"""The manager's weekly sheet, one module per step; data flows down this list:

- `collect`: the figures, read by the named queries of queries/weekly.sql on one snapshot;
- `figures`: what they are (`WeeklyFigures`, the Summary's rows);
- `workbook`: the workbook's sheets, written from the figures;
- `sheet`: one worksheet's typed cells and tables;
- `columns`: the xlsxwriter column engine the big tables are written through;
- `export`: the workbook as a file or as bytes (the CLI and the weekly page).

Importing the package imports none of them (pages load only what they use).
"""
