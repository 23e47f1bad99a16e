-- Books with a price of 0 or less (a data-entry mistake): a Scan, because no
-- key or index covers ProductCategory or Price. Every item is read and
-- charged for; the filter only drops them afterwards. EXPLAIN shows it.
SELECT Id, Title, Price FROM "ProductCatalog" WHERE ProductCategory = 'Book' AND Price <= 0;
