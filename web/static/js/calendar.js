// The caseworker calendar: FullCalendar 6 (global build, served from /static/vendor).
(function () {
  "use strict";
  var element = document.getElementById("calendar");
  if (!element || !window.FullCalendar) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 40rem)").matches;
  var calendar = new FullCalendar.Calendar(element, {
    locale: "da",
    timeZone: "Europe/Copenhagen",
    firstDay: 1,
    initialView: narrow ? "timeGridDay" : "timeGridWeek",
    headerToolbar: {
      left: "prev,next today",
      center: "title",
      right: "timeGridDay,timeGridWeek,dayGridMonth"
    },
    buttonText: { today: "I dag", day: "Dag", week: "Uge", month: "Måned" },
    slotMinTime: "07:00:00",
    slotMaxTime: "18:00:00",
    scrollTime: "08:00:00",
    nowIndicator: true,
    allDaySlot: false,
    height: "auto",
    events: { url: element.dataset.eventsUrl },
    eventDidMount: function (info) {
      // Meetings are links (url set by the server); give them an accessible name with the time.
      var link = info.el.tagName === "A" ? info.el : null;
      if (link && info.event.start) {
        var time = info.event.start.toISOString().substring(11, 16);
        link.setAttribute("aria-label", "Møde / Meeting " + time + " " + info.event.title);
      }
    }
  });
  calendar.render();
})();
