// The static site wears the app's layout and styles.
export { default, metadata } from "@/app/layout";
