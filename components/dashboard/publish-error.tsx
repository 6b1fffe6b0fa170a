/** The publish exists but cannot be read (a manifest of another version, a broken file). */
export function PublishError(props: { message: string; hint?: string }) {
  return (
    <div
      data-testid="publish-error"
      role="alert"
      className="mx-auto mt-16 max-w-xl rounded-xl border border-rose-200 bg-white p-8"
    >
      <h2 className="text-lg font-semibold text-rose-800">The published data cannot be read</h2>
      <p className="mt-2 font-mono text-sm break-words text-rose-700">{props.message}</p>
      <p className="mt-4 text-sm text-zinc-600">
        {props.hint ?? "Publish it again:"}{" "}
        <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono">npm run pipeline</code>
      </p>
    </div>
  );
}
