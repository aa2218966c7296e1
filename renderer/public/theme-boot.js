// Sets the saved theme and density on <html> before the first paint (no flash of the dark theme
// for a light-theme user). A plain, render-blocking script: the CSP allows scripts from 'self'
// only. The key and values mirror renderer/src/theme/appearance.ts; the engine's settings are
// applied again once the app has loaded.
(function () {
  try {
    var a = JSON.parse(localStorage.getItem('signaldesk.appearance') || 'null');
    if (!a) return;
    if (a.theme === 'light' || a.theme === 'dark') document.documentElement.setAttribute('data-theme', a.theme);
    if (a.density === 'compact' || a.density === 'comfortable') document.documentElement.setAttribute('data-density', a.density);
  } catch {
    // no storage or a bad value: the defaults apply until the settings load
  }
})();
