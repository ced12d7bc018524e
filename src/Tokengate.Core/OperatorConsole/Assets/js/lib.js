// The UI stack in one place: Preact with hooks, and htm tagged templates (no build step, no eval; text is escaped).
import { h, render, Fragment } from "../vendor/preact.mjs";
import htm from "../vendor/htm.mjs";

export { useState, useEffect, useRef, useMemo, useCallback, useContext } from "../vendor/hooks.mjs";
export { h, render, Fragment };
export const html = htm.bind(h);
