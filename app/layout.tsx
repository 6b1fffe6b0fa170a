import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "sbdk-starter",
  description: "Synthetic GenAI-product data, modelled with dbt, explored in the browser with DuckDB-WASM.",
};

export default function RootLayout(props: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{props.children}</body>
    </html>
  );
}
