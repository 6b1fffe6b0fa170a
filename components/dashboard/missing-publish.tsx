/** What the dashboard shows before anything is published: what to run, never a blank page. */
export function MissingPublish(props: { publishPath: string }) {
  return (
    <div
      data-testid="missing-publish"
      className="mx-auto mt-16 max-w-xl rounded-xl border border-zinc-200 bg-white p-8 shadow-xs"
    >
      <h2 className="text-lg font-semibold tracking-tight text-zinc-900">No data published yet</h2>
      <p className="mt-2 text-sm leading-6 text-zinc-600">
        The dashboard reads the Parquet files and <code className="font-mono text-[13px]">manifest.json</code>{" "}
        that the pipeline publishes, and there is none in{" "}
        <code className="font-mono text-[13px] text-zinc-800">
          {props.publishPath.split("/").map((part, i) => (
            <span key={i}>
              {i > 0 ? (
                <>
                  /<wbr />
                </>
              ) : null}
              {part}
            </span>
          ))}
        </code>
        . Generate the data, build the dbt models and publish them with:
      </p>
      <pre className="mt-4 rounded-lg bg-zinc-900 px-4 py-3 font-mono text-sm text-zinc-100">
        <span className="text-zinc-500 select-none">$ </span>
        <span data-testid="missing-publish-command">npm run pipeline</span>
      </pre>
      <p className="mt-4 text-xs leading-5 text-zinc-500">
        It takes about half a minute with the default config (10,000 users × 30 days). Then reload this page.
      </p>
    </div>
  );
}
