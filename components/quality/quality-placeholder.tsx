import type { PublishManifest } from "@/lib/shared/manifest";

/** Until the quality page lands: the test counts of the publish, so the trust badges lead somewhere. */
export function QualityPlaceholder(props: { manifest: PublishManifest | null }) {
  const t = props.manifest?.dbt.tests;
  return (
    <div
      className="mx-auto mt-12 max-w-xl rounded-xl border border-zinc-200 bg-white p-8"
      data-testid="quality-placeholder"
    >
      <h1 className="text-lg font-semibold tracking-tight text-zinc-900">Data quality</h1>
      {t ? (
        <dl className="mt-4 grid grid-cols-4 gap-4 text-center">
          {[
            ["Tests", t.total],
            ["Passed", t.passed],
            ["Warned", t.warned],
            ["Failed", t.failed],
          ].map(([label, n]) => (
            <div key={label} className="rounded-lg bg-zinc-50 py-3">
              <dt className="text-xs text-zinc-500">{label}</dt>
              <dd className="text-xl font-semibold tabular-nums">{n}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="mt-2 text-sm text-zinc-600">
          Nothing is published yet: run <code>npm run pipeline</code>.
        </p>
      )}
      <p className="mt-4 text-sm text-zinc-500">
        The test results with their failing rows and the lineage graph come to this page next.
      </p>
    </div>
  );
}
