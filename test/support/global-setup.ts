/** Runs once before all test files (the warehouse fixture will be built here). */
export default async function setup(): Promise<void> {}
