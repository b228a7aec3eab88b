/**
 * Word lists for synthetic customer names. Plain ASCII, so that names and e-mail addresses need no
 * transliteration and sort the same under every collation. No real person or company is meant.
 */
export const FIRST_NAMES = [
  'Ada', 'Amara', 'Anders', 'Aiko', 'Bruno', 'Carmen', 'Chen', 'Dalia', 'Diego', 'Elena',
  'Emeka', 'Farah', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jamal', 'Julia',
  'Kenji', 'Lars', 'Leila', 'Lucas', 'Maya', 'Mateo', 'Nadia', 'Noah', 'Olga', 'Omar',
  'Priya', 'Rafael', 'Rosa', 'Sami', 'Sofia', 'Tariq', 'Thandi', 'Viktor', 'Wei', 'Zara',
] as const;

export const LAST_NAMES = [
  'Adeyemi', 'Alvarez', 'Andersen', 'Bauer', 'Carvalho', 'Chowdhury', 'Costa', 'Dubois', 'Evans', 'Fischer',
  'Garcia', 'Haddad', 'Hansen', 'Ito', 'Jensen', 'Kim', 'Kowalski', 'Larsen', 'Lopez', 'Mbeki',
  'Moreau', 'Mueller', 'Nakamura', 'Nguyen', 'Novak', 'Okafor', 'Patel', 'Petrov', 'Popescu', 'Rossi',
  'Santos', 'Schmidt', 'Silva', 'Singh', 'Tanaka', 'Torres', 'Van Dijk', 'Wang', 'Yilmaz', 'Zhang',
] as const;

export const COMPANY_WORDS = [
  'Amber', 'Atlas', 'Beacon', 'Blue', 'Bright', 'Cedar', 'Coral', 'Crescent', 'Delta', 'Ember',
  'Falcon', 'Granite', 'Harbor', 'Horizon', 'Iron', 'Juniper', 'Lumen', 'Maple', 'Meridian', 'Nimbus',
  'North', 'Orchid', 'Pioneer', 'Quartz', 'Redwood', 'Silver', 'Summit', 'Tidal', 'Vertex', 'Willow',
] as const;

export const COMPANY_INDUSTRIES = [
  'Analytics', 'Logistics', 'Foods', 'Media', 'Health', 'Energy', 'Retail', 'Systems', 'Labs', 'Partners',
  'Manufacturing', 'Consulting', 'Finance', 'Studios', 'Robotics', 'Travel', 'Textiles', 'Dynamics',
] as const;

export const COMPANY_SUFFIXES = ['Inc.', 'Ltd', 'LLC', 'Group', 'Co.', 'Holdings', 'GmbH', 'S.A.', 'Pty Ltd', 'plc'] as const;

/** Mailbox names a business customer's purchasing address may use. */
export const BUSINESS_MAILBOXES = ['purchasing', 'procurement', 'it', 'accounts', 'orders', 'office'] as const;
