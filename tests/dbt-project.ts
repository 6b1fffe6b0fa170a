/**
 * The size of the dbt project and of a publish, as a run reports them: every model and data test
 * of dbt/, and the Parquet files a publish writes. Tests of run progress assert these exactly;
 * change them here when a model, a test or a published table is added.
 */
export const DBT_PROJECT = { models: 24, tests: 167, publishedTables: 16 } as const;
