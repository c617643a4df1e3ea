// Registration questions asked only of people who pick certain forums (data-forums holds
// their ids): shown while one of those forums is ticked, hidden otherwise. Without this script
// every question shows, with a note saying for whom it is; the server decides in any case.
document.querySelectorAll("form").forEach(function (form) {
  var questions = form.querySelectorAll("[data-questions] [data-forums]");
  var boxes = form.querySelectorAll('input[type="checkbox"][name="forums"]');
  if (!questions.length || !boxes.length) {
    return;
  }
  function update() {
    var picked = {};
    boxes.forEach(function (box) {
      if (box.checked) {
        picked[box.value] = true;
      }
    });
    questions.forEach(function (question) {
      var ids = question.getAttribute("data-forums").split(" ");
      question.hidden = !ids.some(function (id) { return picked[id]; });
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
});
