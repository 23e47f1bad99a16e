-- A product by its Id: a GetItem on ProductCatalog.
SELECT * FROM "ProductCatalog" WHERE Id = 103;
