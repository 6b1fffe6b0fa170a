import { expect, test } from "@playwright/test";
import { EMPTY_BASE_URL } from "./support/env";

test("with nothing published the dashboard says what to run instead of a blank page", async ({
  page,
}, testInfo) => {
  await page.goto(`${EMPTY_BASE_URL}/`);
  const message = page.getByTestId("missing-publish");
  await expect(message).toBeVisible();
  await expect(message).toContainText("No data published yet");
  await expect(page.getByTestId("missing-publish-command")).toHaveText("npm run pipeline");
  const path = testInfo.outputPath("missing-publish.png");
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach("missing-publish", { path, contentType: "image/png" });
});
