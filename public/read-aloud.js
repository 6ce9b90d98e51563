// 朗读 (适老化): reads a page's main text aloud with the browser's own speech synthesis. The
// buttons arrive hidden, so readers without JavaScript never see one that cannot work; this
// script shows them. A few lines here instead of more WASM.
(function () {
  var buttons = document.querySelectorAll("button[data-read-aloud]");
  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var synth = window.speechSynthesis;
      if (!synth) {
        button.textContent = "此浏览器不支持朗读";
        return;
      }
      if (synth.speaking) {
        synth.cancel();
        button.textContent = "朗读";
        return;
      }
      var target =
        document.querySelector(button.getAttribute("data-read-aloud")) ||
        document.querySelector("main");
      var utterance = new SpeechSynthesisUtterance(target.innerText);
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      utterance.onend = function () {
        button.textContent = "朗读";
      };
      button.textContent = "停止朗读";
      synth.speak(utterance);
    });
  });
})();
