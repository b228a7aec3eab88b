-- The fixed dimension rows of the sample warehouse (contract: shared/contract/warehouse.sql), with
-- stable ids. functions/warehouse/dimensions.ts holds the same rows for the generator; a test keeps
-- the two equal. ON CONFLICT keeps a re-run harmless.
INSERT INTO sales.regions (region_id, region_name) VALUES
  (1, 'North America'),
  (2, 'Europe'),
  (3, 'Asia Pacific'),
  (4, 'Latin America'),
  (5, 'Middle East & Africa')
ON CONFLICT (region_id) DO NOTHING;

INSERT INTO sales.customer_segments (segment_id, segment_name) VALUES
  (1, 'Enterprise'),
  (2, 'Mid-Market'),
  (3, 'Small Business'),
  (4, 'Consumer')
ON CONFLICT (segment_id) DO NOTHING;

INSERT INTO sales.products (product_id, product_name, category, list_price) VALUES
  (1, 'Laptop Pro 14', 'Hardware', 1899.00),
  (2, 'Laptop Air 13', 'Hardware', 1199.00),
  (3, 'Desktop Tower X', 'Hardware', 1499.00),
  (4, 'Monitor 27 4K', 'Hardware', 449.00),
  (5, 'Tablet S10', 'Hardware', 649.00),
  (6, 'Wireless Mouse', 'Accessories', 39.99),
  (7, 'Mechanical Keyboard', 'Accessories', 129.00),
  (8, 'USB-C Dock', 'Accessories', 219.00),
  (9, 'Noise-Cancelling Headset', 'Accessories', 279.00),
  (10, 'Laptop Backpack', 'Accessories', 89.00),
  (11, 'Office Suite', 'Software', 299.00),
  (12, 'Antivirus Plus', 'Software', 59.99),
  (13, 'Cloud Backup', 'Software', 119.00),
  (14, 'Design Studio', 'Software', 599.00),
  (15, 'Analytics Cloud', 'Software', 1200.00),
  (16, 'Premium Support', 'Services', 999.00),
  (17, 'Onsite Installation', 'Services', 349.00),
  (18, 'Extended Warranty', 'Services', 199.00),
  (19, 'Training Workshop', 'Services', 1500.00),
  (20, 'Managed IT', 'Services', 2400.00)
ON CONFLICT (product_id) DO NOTHING;
