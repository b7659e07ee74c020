// The caseworker calendar: FullCalendar 6 (global build, served from /static/vendor).
(function () {
  "use strict";
  var element = document.getElementById("calendar");
  if (!element || !window.FullCalendar) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 40rem)").matches;
  var calendar = new FullCalendar.Calendar(element, {
    locale: element.dataset.locale === "en" ? "en" : "da",
    timeZone: "Europe/Copenhagen",
    firstDay: 1,
    initialView: narrow ? "timeGridDay" : "timeGridWeek",
    headerToolbar: {
      left: "prev,next today",
      center: "title",
      right: "timeGridDay,timeGridWeek,dayGridMonth"
    },
    // The page's own words, in its language (FullCalendar's Danish locale says "Dag" etc. too).
    buttonText: {
      today: element.dataset.today,
      day: element.dataset.day,
      week: element.dataset.week,
      month: element.dataset.month
    },
    slotMinTime: "07:00:00",
    slotMaxTime: "18:00:00",
    scrollTime: "08:00:00",
    nowIndicator: true,
    allDaySlot: false,
    height: "auto",
    events: { url: element.dataset.eventsUrl },
    datesSet: hideDecorativeIcons
  });
  calendar.render();
  hideDecorativeIcons();

  // The toolbar's arrow icons are decoration: their buttons are named by their title.
  function hideDecorativeIcons() {
    Array.prototype.forEach.call(element.querySelectorAll(".fc-icon"), function (icon) {
      icon.setAttribute("aria-hidden", "true");
    });
  }
})();
