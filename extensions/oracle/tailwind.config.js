/** Oracle's widgets: the recording indicator. */
module.exports = {
  content: ['./templates/**/*.html'],
  theme: {
    extend: {
      colors: { 'oracle-live': '#c0392b' },
    },
  },
};
