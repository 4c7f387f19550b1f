"""Image checks after a build, outside its timed span: goss specs, equivalence of images, secret leaks."""
