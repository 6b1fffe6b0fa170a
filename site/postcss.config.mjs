// The app's PostCSS set-up (Tailwind); app/globals.css lists where the class names are.
export { default } from "../postcss.config.mjs";
