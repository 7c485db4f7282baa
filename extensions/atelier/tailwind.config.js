/** The LychD look, shared by every extension's templates. */
module.exports = {
  content: ['./src/atelier/**/*.html', './templates/**/*.html'],
  theme: {
    extend: {
      colors: {
        crypt: { 950: '#0b0a10' },
        bone: { 100: '#ece6d8' },
      },
      fontFamily: { sans: ['Inter', 'system-ui', 'sans-serif'] },
    },
  },
};
